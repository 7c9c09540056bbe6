document.getElementById('root')!.textContent = 'Airlock';
